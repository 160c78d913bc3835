export * from './worklist.module';
