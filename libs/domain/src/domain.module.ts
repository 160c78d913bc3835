import { Module } from '@nestjs/common';
import { IdentityVaultModule } from '@parcours/crypto';
import { ActionsModule } from './actions';
import { CptsModule } from './cpts';
import { InteropModule } from './interop';
import { MembersModule } from './members';
import { NotificationsModule } from './notifications';
import { PathwaysModule } from './pathways';
import { PatientsModule } from './patients';
import { ProtocolsModule } from './protocols';
import { RcpModule } from './rcp';
import { UnscheduledCareModule } from './unscheduled-care';
import { CommandsHttpModule } from './shared/http/commands-http.module';

/** The write side of Parcours: one module per capability (a folder each), plus the command plumbing. */
@Module({
  imports: [
    IdentityVaultModule,
    CommandsHttpModule,
    CptsModule,
    ProtocolsModule,
    MembersModule,
    PatientsModule,
    PathwaysModule,
    RcpModule,
    UnscheduledCareModule,
    ActionsModule,
    InteropModule,
    NotificationsModule,
  ],
})
export class DomainModule {}
