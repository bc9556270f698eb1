import { defineCommand } from '../command.js';
import { integerOption } from '../options.js';
import type { DashboardCommandOptions } from '../actions/dashboard.js';

export const command = defineCommand<[dirs: string[]], DashboardCommandOptions>({
  name: 'dashboard',
  description: 'a local, read-only web dashboard that follows the runs live',
  arguments: [{ name: '<dirs...>', description: 'experiment folders (several are compared side by side)' }],
  options: [
    {
      flags: '--port <p>',
      description: 'port to listen on (0 picks a free one)',
      parse: integerOption('--port', 0),
      default: 8765,
    },
    { flags: '--host <h>', description: 'address to bind', default: '127.0.0.1' },
    { flags: '--allow-remote', description: 'allow binding an address other machines can reach' },
  ],
  load: async () => {
    const { dashboardCommand } = await import('../actions/dashboard.js');
    return ([dirs], options, io) => dashboardCommand(dirs, options, io.write);
  },
});
