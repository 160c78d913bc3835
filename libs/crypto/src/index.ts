export * from './identity-vault';
export * from './identity-vault.provider';
export * from './blind-index';
