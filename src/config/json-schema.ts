import { z } from 'zod';
import { configSchema } from './schema.js';

/** Where an experiment's copy of the schema lives, beside config.yaml (what `init` writes). */
export const configSchemaFileName = 'config.schema.json';

/** The first line of a config.yaml that points editors (YAML language server) at the schema beside it. */
export const configSchemaModeline = `# yaml-language-server: $schema=./${configSchemaFileName}`;

/**
 * A JSON Schema of config.yaml, generated from the zod schema that validates it, so the two
 * cannot drift. It describes what a user may write (every key optional, defaults shown); draft 7,
 * which editors' YAML support reads. Checks that are not structure (a role naming an unknown
 * model) are left to `asi-evolve run`.
 * @example writeFileSync('config.schema.json', JSON.stringify(configJsonSchema(), null, 2));
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'asi-evolve config.yaml',
    description: 'The settings of an asi-evolve experiment (config.yaml).',
    ...rest,
  };
}
