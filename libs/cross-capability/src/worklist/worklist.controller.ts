import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { restrictedMember } from '@parcours/domain';
import { ReadStore } from '@parcours/projections';
import { WORKLIST_DEFAULT_LIMIT, WorklistQueryDto } from './worklist.dto';
import { readWorklist } from './worklist.queries';

/**
 * The worklist is operational: coordinators run it, professionals act on it (the discharge's pharmacist,
 * the doctor asked for a review…) and auditors may read everything. A professional does not see the items
 * of patients who blocked them, as they cannot open those patients' pathways either. Analysts never.
 */
@ApiTags('worklist')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/worklist')
export class WorklistController {
  constructor(private readonly readStore: ReadStore) {}

  @Get()
  @ApiOperation({ summary: 'What is due or overdue, oldest due first (indicators.md §Worklist)' })
  @ApiOkResponse({
    description:
      '`{ items: [{ kind, dueAt, overdue, streamId, pathwayId?, patientId?, summary, openedBy }], count, total, at }`',
  })
  list(
    @Param('cptsId') cptsId: string,
    @Query() query: WorklistQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const member = restrictedMember(principal);
    return readWorklist(
      this.readStore,
      cptsId,
      {
        ...(query.kind === undefined ? {} : { kinds: query.kind }),
        ...(query.overdue === undefined ? {} : { overdue: query.overdue === 'true' }),
        ...(query.pathwayId === undefined ? {} : { pathwayId: query.pathwayId }),
        ...(query.patientId === undefined ? {} : { patientId: query.patientId }),
        limit: query.limit ?? WORKLIST_DEFAULT_LIMIT,
        ...(member === undefined ? {} : { hideBlockedFor: member }),
      },
      new Date(),
    );
  }
}
