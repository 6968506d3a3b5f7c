import { existsSync } from 'node:fs';
import { chown, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExternalCommandError, FrankError } from '../../errors.js';
import type { PostgresResource } from '../../lab/lab-types.js';
import type { RuntimeContext } from '../runtime.js';
import type { LaunchSpec } from './launch-spec.js';
import { hasExited } from './processes.js';
import { findPostgresBin, INSTALL_HINT } from './programs.js';
import { assertReachable, unprivilegedUser, type SystemUser } from './unprivileged-user.js';

/**
 * Lab settings, shared with the docker runtime: start speed and a small footprint, and no data lost
 * when a server process dies. fsync=off only risks a machine crash (the kernel keeps what was
 * written); synchronous_commit stays on because with it off a killed postgres (`frank chaos
 * kill-db`) loses commits it had acknowledged, such as a consumer's inbox row for a message it then
 * acked: a saga stuck for good, which a real database would not cause.
 */
export const POSTGRES_LAB_SETTINGS: Readonly<Record<string, string>> = {
  fsync: 'off',
  synchronous_commit: 'on',
  full_page_writes: 'off',
  shared_buffers: '16MB',
  max_connections: '60',
  logging_collector: 'off',
};

/**
 * One `initdb` per lab, copied for each cluster: seven initdb runs in parallel take several
 * seconds of a 2-core machine, seven copies of one cluster well under one.
 */
export class PostgresLauncher {
  private template: Promise<string> | undefined;

  async prepare(resource: PostgresResource, context: RuntimeContext): Promise<LaunchSpec> {
    const bin = findPostgresBin();
    if (!bin) throw new FrankError('The PostgreSQL binaries are missing.', { hint: INSTALL_HINT.postgres });
    const user = await unprivilegedUser();
    const dataDir = context.paths.data(resource.name);
    if (user) {
      await mkdir(path.dirname(dataDir), { recursive: true });
      await assertReachable(path.join(bin, 'postgres'), user);
      await assertReachable(dataDir, user);
    }
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      this.template ??= this.initTemplate(bin, context, user);
      const template = await this.template;
      await rm(dataDir, { recursive: true, force: true });
      await cp(template, dataDir, { recursive: true });
      if (user) await chownTree(dataDir, user);
    }
    await removeLockOfExitedPostmaster(dataDir);
    const settings = { ...POSTGRES_LAB_SETTINGS, unix_socket_directories: '', listen_addresses: context.topology.host, ...stringify(resource.settings) };
    return {
      command: path.join(bin, 'postgres'),
      args: ['-D', dataDir, '-p', String(resource.port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])],
      user,
    };
  }

  private async initTemplate(bin: string, context: RuntimeContext, user: SystemUser | undefined): Promise<string> {
    const template = path.join(context.paths.state, 'data', '.postgres-template');
    if (existsSync(path.join(template, 'PG_VERSION'))) return template;
    await rm(template, { recursive: true, force: true });
    await mkdir(template, { recursive: true, mode: 0o700 });
    const passwordFile = path.join(path.dirname(template), '.postgres-password');
    await writeFile(passwordFile, context.credentials.admin.password, { mode: 0o600 });
    if (user) {
      await chown(template, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    const args = [
      '-D',
      template,
      '-U',
      context.credentials.admin.user,
      `--pwfile=${passwordFile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ];
    const { execa } = await import('execa');
    const result = await execa(path.join(bin, 'initdb'), args, { uid: user?.uid, gid: user?.gid, reject: false, all: true });
    await rm(passwordFile, { force: true });
    if (result.exitCode !== 0) {
      await rm(template, { recursive: true, force: true });
      throw new ExternalCommandError(`initdb ${args.filter((a) => !a.startsWith('--pwfile')).join(' ')}`, result.all ?? '');
    }
    return template;
  }
}

async function chownTree(dir: string, user: SystemUser): Promise<void> {
  await chown(dir, user.uid, user.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(child, user);
    else await chown(child, user.uid, user.gid);
  }
}

function stringify(settings: PostgresResource['settings']): Record<string, string> {
  return Object.fromEntries(Object.entries(settings ?? {}).map(([key, value]) => [key, typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)]));
}

/**
 * A postmaster.pid whose postmaster has exited but was not reaped yet: postgres sees its pid in use
 * and refuses to start ("lock file already exists"). A killed or stopped cluster counts as gone
 * once only zombies are left (stopProcessGroup), and some inits reap them only every few seconds.
 */
async function removeLockOfExitedPostmaster(dataDir: string): Promise<void> {
  const lock = path.join(dataDir, 'postmaster.pid');
  const pid = Number((await readFile(lock, 'utf8').catch(() => '')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && (await hasExited(pid))) await rm(lock, { force: true });
}
