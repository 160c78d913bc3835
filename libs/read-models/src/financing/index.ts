export * from './financing.module';
