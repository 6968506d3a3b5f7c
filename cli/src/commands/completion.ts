import { Command } from 'commander';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion/completion-script.js';
import { UsageError } from '../errors.js';
import { writeData } from '../ui/output.js';

export function completionCommand(): Command {
  return new Command('completion')
    .description('Print a shell completion script for frank, generated from its commands and options')
    .argument('<shell>', `the shell: ${COMPLETION_SHELLS.join(' or ')}`)
    .addHelpText(
      'after',
      '\nExamples:\n  eval "$(npx frank completion bash)"\n  npx frank completion bash > ~/.local/share/bash-completion/completions/frank\n  npx frank completion zsh > "${fpath[1]}/_frank"',
    )
    .action((shell: string, _options, command: Command) => {
      if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(`frank completes ${COMPLETION_SHELLS.join(' and ')}, not "${shell}".`, { hint: 'npx frank completion bash' });
      }
      writeData(completionScript(command.parent!, shell as CompletionShell));
    });
}
