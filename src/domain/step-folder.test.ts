import { describe, expect, it } from 'vitest';
import { stepFolderName, stepOfFolderName } from './step-folder.js';

describe('step folder names', () => {
  it('names a step folder and reads the step back, and nothing from other names', () => {
    expect(stepFolderName(7)).toBe('step_7');
    expect(stepOfFolderName(stepFolderName(12))).toBe(12);
    expect(['step_3-reproduce-1', 'mcp-ab12', 'step_', 'step_x', 'nodes'].map(stepOfFolderName)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
