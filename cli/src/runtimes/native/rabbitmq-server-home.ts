import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, realpath, rm, symlink } from 'node:fs/promises';
import path from 'node:path';

/** The applications RabbitMQ boots from, with no plugin enabled. */
const ROOTS = ['rabbit', 'rabbitmq_prelaunch'];

/**
 * A RabbitMQ home of the lab's own (`<dir>/bin`, `<dir>/plugins`), for RABBITMQ_SCRIPTS_DIR: the
 * package's scripts, and in plugins/ only the applications the broker boots from (the closure of
 * rabbit's and rabbitmq_prelaunch's `applications` in their .app files: 20 of the 72 Debian ships).
 *
 * Where the time of a restart goes (measured on 2 busy cores): the Erlang code server looks every
 * module up along a code path with a folder per application, and rabbit's boot loads hundreds of
 * modules to scan their attributes (Mnesia schema upgrades, feature flags) and lists every plugin's
 * .app file; with 52 applications fewer on the path those steps take about a third less. The
 * lab enables no plugin, so nothing it runs is missing.
 *
 * Undefined when the installation is not laid out as expected: the broker then runs from it as it is.
 */
export async function trimmedServerHome(serverScript: string, dir: string): Promise<string | undefined> {
  try {
    const scripts = path.dirname(await realpath(serverScript));
    const plugins = path.join(path.dirname(scripts), 'plugins');
    if (!existsSync(path.join(scripts, 'rabbitmq-env')) || !existsSync(plugins)) return undefined;
    const apps = new Map<string, { folder: string; needs: string[] }>();
    for (const folder of await readdir(plugins)) {
      const name = /^(.+?)-\d[\w.+-]*$/.exec(folder)?.[1];
      const appFile = name && path.join(plugins, folder, 'ebin', `${name}.app`);
      if (!appFile || !existsSync(appFile)) continue;
      const text = await readFile(appFile, 'utf8');
      apps.set(name, { folder, needs: [...(/\{applications,\s*\[([^\]]*)\]/.exec(text)?.[1] ?? '').matchAll(/[a-z][a-z0-9_]*/g)].map((m) => m[0]) });
    }
    if (!ROOTS.every((root) => apps.has(root))) return undefined;
    const needed = new Set<string>();
    const visit = (name: string) => {
      if (needed.has(name) || !apps.has(name)) return; // kernel, stdlib, ssl…: Erlang's own, not a plugin
      needed.add(name);
      for (const dependency of apps.get(name)!.needs) visit(dependency);
    };
    ROOTS.forEach(visit);

    await rm(dir, { recursive: true, force: true });
    await mkdir(path.join(dir, 'bin'), { recursive: true });
    await mkdir(path.join(dir, 'plugins'));
    for (const script of await readdir(scripts)) await symlink(path.join(scripts, script), path.join(dir, 'bin', script));
    for (const name of needed) await symlink(path.join(plugins, apps.get(name)!.folder), path.join(dir, 'plugins', apps.get(name)!.folder));
    const escript = path.join(path.dirname(scripts), 'escript');
    if (existsSync(escript)) await symlink(escript, path.join(dir, 'escript'));
    return path.join(dir, 'bin');
  } catch {
    return undefined;
  }
}
