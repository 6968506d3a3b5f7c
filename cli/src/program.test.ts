import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

/** Every command that does something (no subcommands), with its path from the root. */
function leaves(command: Command, path: string[] = []): { path: string; command: Command }[] {
  if (command.commands.length === 0) return [{ path: path.join(' '), command }];
  return command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

/** The help as `frank <path> --help` prints it, text added after it included. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('the program', () => {
  const all = leaves(buildProgram());

  it('has commands to check', () => {
    expect(all.map((c) => c.path)).toEqual(expect.arrayContaining(['up', 'saga run', 'new service', 'completion']));
  });

  it.each(all.map((c) => [c.path, c.command] as const))('`frank %s --help` shows examples that run frank', (path, command) => {
    const help = helpOf(command);
    expect(help).toMatch(/\nExamples:\n/);
    const examples = help.slice(help.indexOf('Examples:'));
    expect(examples).toMatch(new RegExp(`frank ${path.split(' ')[0]}\\b`));
  });
});
