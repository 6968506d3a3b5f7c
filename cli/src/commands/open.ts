import { Command } from 'commander';
import { FrankError, UsageError } from '../errors.js';
import { openLab } from '../lab/lab.js';
import { WEB_SERVICE } from '../lab/lab-console.js';
import { browserOpener, openInBrowser } from '../ui/browser.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

/** The pages `frank open` knows, and their paths in the web app the BFF serves. */
export const WEB_PAGES = { storefront: '/', console: '/console' } as const;
export type WebPage = keyof typeof WEB_PAGES;

export function openCommand(): Command {
  return new Command('open')
    .description('Open the web app the BFF serves in a browser: the storefront, or the lab console (prints the URL where no browser can be opened)')
    .argument('[page]', `which page: ${Object.keys(WEB_PAGES).join(' or ')}`, 'storefront')
    .addHelpText(
      'after',
      '\nWithout a display (no DISPLAY or WAYLAND_DISPLAY, no xdg-open, or CI set) the URL is printed instead; $BROWSER is used when set.\n\nExamples:\n  npx frank open\n  npx frank open console\n  npx frank open console --json',
    )
    .action(async (page: string, _options, command: Command) => {
      if (!(page in WEB_PAGES))
        throw new UsageError(`frank open takes ${Object.keys(WEB_PAGES).join(' or ')}, not "${page}".`, { hint: 'Example: npx frank open console' });
      const lab = await openLab(labOptionsOf(command));
      const service = lab.topology.services.find((s) => s.name === WEB_SERVICE);
      if (!service)
        throw new FrankError(`${lab.topology.file} has no ${WEB_SERVICE} service: nothing serves the web app.`, {
          hint: `Add the ${WEB_SERVICE} service to frank.yaml (see the repository's).`,
        });
      const url = `http://${lab.topology.host}:${service.port}${WEB_PAGES[page as WebPage]}`;
      if (!lab.isUp) writeInfo(`warning: the lab is not up, so nothing answers at ${url} yet: run \`npx frank up\` first.`);
      if (outputOf(command).json) {
        writeData({ url });
        return;
      }
      const opener = browserOpener();
      if ('none' in opener) {
        writeInfo(`No browser can be opened here (${opener.none}); open this address yourself:`);
        writeData(`${url}\n`);
        return;
      }
      if (await openInBrowser(opener, url)) writeInfo(`Opened ${url} (with ${opener.command}).`);
      else {
        writeInfo(`${opener.command} could not be started; open this address yourself:`);
        writeData(`${url}\n`);
      }
    });
}
