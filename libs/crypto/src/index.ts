export * from './identity-vault';
export * from './identity-vault.provider';
