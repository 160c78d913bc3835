import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ReadStore } from '@parcours/projections';
import { readProtocolCatalogue } from '../../protocols/protocol-catalogue/protocol-catalogue.projection';
import { readRcpRegister } from './rcp-register.projection';
import { ConsistentReadQueryDto, PeriodQueryDto } from '../../shared/http/read-queries.dto';
import { UnscheduledCareLogQueryDto } from '../../unscheduled-care/unscheduled-care-log/unscheduled-care-log.dto';
import { readUnscheduledCareLog } from '../../unscheduled-care/unscheduled-care-log/unscheduled-care-log.projection';

/** The registers are read by those who run the CPTS, who take part in it, and who audit it. */
@ApiTags('rcp')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/rcps')
export class RcpRegisterController {
  constructor(private readonly readStore: ReadStore) {}

  @Get()
  @ApiOperation({ summary: 'The RCP register, newest first' })
  @ApiOkResponse({
    description:
      '`{ items: [{ id, heldAt, convenedBy, format, complex, durationMinutes, participantCount, professions, cases: [{ pathwayId, reviewOn? }] }], count }`',
  })
  register(@Param('cptsId') cptsId: string, @Query() query: PeriodQueryDto) {
    return readRcpRegister(this.readStore, cptsId, {
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
    });
  }
}

@ApiTags('protocols')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/protocols')
export class ProtocolCatalogueController {
  constructor(private readonly readStore: ReadStore) {}

  @Get()
  @ApiOperation({ summary: 'The protocol catalogue, by code, with each version’s usage' })
  @ApiOkResponse({
    description:
      '`{ items: [{ code, title, kind, versions, inForce, retiredOn?, adherents, usage: [{ version, applications, byOutcome }], revision }] }`',
  })
  catalogue(@Param('cptsId') cptsId: string, @Query() _query: ConsistentReadQueryDto) {
    return readProtocolCatalogue(this.readStore, cptsId, new Date());
  }
}

@ApiTags('unscheduled-care')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/unscheduled-care')
export class UnscheduledCareLogController {
  constructor(private readonly readStore: ReadStore) {}

  @Get()
  @ApiOperation({ summary: 'The unscheduled-care requests (soins non programmés), newest first' })
  @ApiOkResponse({
    description:
      '`{ items: [{ id, receivedAt, channel, viaSas, motive, patientId?, status, orientedTo?, appointmentAt?, closedAt? }], count }`',
  })
  log(@Param('cptsId') cptsId: string, @Query() query: UnscheduledCareLogQueryDto) {
    return readUnscheduledCareLog(this.readStore, cptsId, {
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(query.status === undefined ? {} : { status: query.status }),
    });
  }
}
