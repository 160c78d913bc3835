import { Module } from '@nestjs/common';
import { WorklistController } from './worklist.controller';

/**
 * The worklist: a read across capabilities, with no read model of its own — its items are the steps due
 * on pathways, the requests to orient and the open médecin-traitant searches, each kept by its capability.
 */
@Module({ controllers: [WorklistController] })
export class WorklistModule {}
