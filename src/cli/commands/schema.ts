import { defineCommand } from '../command.js';

export const command = defineCommand({
  name: 'schema',
  description: 'print the JSON Schema of config.yaml (for editors: asi-evolve schema > config.schema.json)',
  load: async () => {
    const { configJsonSchema } = await import('../../config/index.js');
    return (_args, _options, io) => io.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  },
});
