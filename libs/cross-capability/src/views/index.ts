export * from './views.module';
