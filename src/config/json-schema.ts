import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Writes the schema beside the experiment's config.yaml and points config.yaml at it (a first
 * line for the YAML language server), so editors complete and check its keys. What `init` and
 * `import` do to the folders they write; a config.yaml that already names a schema is left alone.
 */
export function writeConfigSchema(experimentDir: string): void {
  writeFileSync(join(experimentDir, configSchemaFileName), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  const configFile = join(experimentDir, 'config.yaml');
  const text = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
  if (!text.includes('yaml-language-server: $schema=')) writeFileSync(configFile, `${configSchemaModeline}\n${text}`);
}
