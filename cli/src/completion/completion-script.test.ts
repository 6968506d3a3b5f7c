import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFrank } from '../../test/lab-fixture.js';
import { buildProgram } from '../program.js';
import { completionScript } from './completion-script.js';

describe('frank completion', () => {
  let dir: string;
  let bashFile: string;

  /** What the bash completion offers for the words typed so far; the last word is the one being completed. */
  const complete = async (...words: string[]): Promise<string[]> => {
    const script = `source ${JSON.stringify(bashFile)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _frank; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const { stdout } = await execa('bash', ['-c', script]);
    return stdout.split('\n').filter(Boolean);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'frank-completion-'));
    bashFile = path.join(dir, 'frank.bash');
    await writeFile(bashFile, completionScript(buildProgram(), 'bash'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a bash script that bash accepts, the same one the command prints', async () => {
    await execa('bash', ['-n', bashFile]);
    const run = await runFrank(dir, ['completion', 'bash']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe(completionScript(buildProgram(), 'bash').trimEnd());
  });

  it('completes commands, subcommands, their options and the values of options with choices', async () => {
    expect(await complete('frank', 'sa')).toEqual(['saga']);
    expect(await complete('frank', 'saga', '')).toEqual(expect.arrayContaining(['run', 'list', '--json', '--help']));
    expect(await complete('frank', 'saga', 'run', '--or')).toEqual(['--orders']);
    expect(await complete('frank', '--port-offset', '5', 'new', '')).toContain('service');
    expect(await complete('frank', '--runtime', '')).toEqual(['auto', 'native', 'docker']);
    // Only the root has --version; a subcommand does not.
    expect(await complete('frank', '--ver')).toEqual(['--version']);
    expect(await complete('frank', 'up', '--ver')).toEqual([]);
  });

  it('offers every command of the program, walked rather than listed', async () => {
    const program = buildProgram();
    expect((await complete('frank', '')).filter((w) => !w.startsWith('-')).sort()).toEqual(program.commands.map((c) => c.name()).sort());
    const zsh = completionScript(program, 'zsh');
    expect(zsh.startsWith('#compdef frank\n')).toBe(true);
    for (const command of program.commands) expect(zsh).toContain(`'${command.name()}:`);
  });

  it('refuses an unknown shell with a usage error', async () => {
    const run = await runFrank(dir, ['completion', 'fish']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('frank completes bash and zsh, not "fish"');
  });
});
