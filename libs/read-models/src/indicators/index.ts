export * from './indicators.module';
