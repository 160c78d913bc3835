export * from './views.module';
export * from './pathway-view';
export * from './pathway-as-of';
export * from './pathway-views.projection';
export * from './patient-views.projection';
export * from './member-directory.projection';
export * from './views.queries';
