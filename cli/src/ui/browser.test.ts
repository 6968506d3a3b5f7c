import { describe, expect, it } from 'vitest';
import { browserOpener } from './browser.js';

describe('browserOpener', () => {
  it('opens nothing in CI or without a display, and says why', () => {
    expect(browserOpener({ CI: 'true', DISPLAY: ':0', PATH: '/usr/bin' }, 'linux')).toEqual({ none: 'CI is set' });
    expect(browserOpener({ PATH: '/usr/bin:/bin' }, 'linux')).toEqual({ none: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' });
    expect(browserOpener({ DISPLAY: ':0', PATH: '/nowhere' }, 'linux')).toEqual({ none: 'xdg-open is not installed' });
  });

  it('uses $BROWSER when set, and open on macOS', () => {
    expect(browserOpener({ BROWSER: 'firefox' }, 'linux')).toEqual({ command: 'firefox', args: [] });
    expect(browserOpener({}, 'darwin')).toEqual({ command: 'open', args: [] });
  });
});
