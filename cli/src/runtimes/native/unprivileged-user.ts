import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { FrankError } from '../../errors.js';

/** The system user that runs postgres when frank runs as root; `frank deps install` creates it. */
export const LAB_USER = 'frank';

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

export async function findSystemUser(name: string): Promise<SystemUser | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Undefined when frank does not run as root: then programs run as the current user. */
export async function unprivilegedUser(): Promise<SystemUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const user = await findSystemUser(LAB_USER);
  if (!user) {
    throw new FrankError(`PostgreSQL refuses to run as root, and the system user "${LAB_USER}" that runs it does not exist.`, {
      hint: `Run \`npx frank deps install\` (or: useradd --system --no-create-home --shell /usr/sbin/nologin ${LAB_USER}).`,
    });
  }
  return user;
}

/** The user must be able to walk down to `target`; says which folder stops it otherwise. */
export async function assertReachable(target: string, user: SystemUser): Promise<void> {
  let dir = path.dirname(path.resolve(target));
  const blocked: string[] = [];
  for (;;) {
    const info = await stat(dir);
    const canEnter = info.uid === user.uid ? (info.mode & 0o100) !== 0 : info.gid === user.gid ? (info.mode & 0o010) !== 0 : (info.mode & 0o001) !== 0;
    if (!canEnter) blocked.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (blocked.length > 0) {
    throw new FrankError(
      `The user "${user.name}" that runs PostgreSQL cannot reach ${target}: ${blocked.join(', ')} ${blocked.length > 1 ? 'are' : 'is'} closed to it.`,
      {
        hint: `Allow it through with \`chmod o+x ${blocked.join(' ')}\`, or keep the lab in a folder other users can enter (e.g. under /work or /srv).`,
      },
    );
  }
}
