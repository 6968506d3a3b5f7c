/** What provisions and migrates a service's database, for the lab (the CLI) and the cloud (the provisioner): no pool, no Express. */
export { applyMigrations, MigrationError, readMigrationFiles, type MigrationErrorCode, type MigrationFile } from './migrations.js';
export { provisionRole, provisionSchemas, type DatabaseGrant } from './provision-database.js';
