// The child process of the evaluator: loads the candidate module, packs the instances it is sent
// with the candidate's priority function, and sends back the bin of every item.
// Started with child_process.fork, so that a heuristic that hangs or crashes only takes this process down.

import { pathToFileURL } from 'node:url';
import { argmax, packOnline } from './packing.js';

class HeuristicError extends Error {}

function preview(values) {
  const shown = values.slice(0, 8).join(', ');
  return values.length > 8 ? `[${shown}, … ${values.length} bins]` : `[${shown}]`;
}

function describe(value) {
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/** Wraps `priority` into the `choose` of packOnline, checking every answer. */
function chooser(priority, instanceIndex) {
  return (item, capacities, itemIndex) => {
    const call = `priority(${item}, ${preview(capacities)}) for item ${itemIndex} of instance ${instanceIndex}`;
    let priorities;
    try {
      priorities = priority(item, capacities);
    } catch (error) {
      throw new HeuristicError(`${call} threw ${error?.name ?? 'an error'}: ${error?.message ?? String(error)}`);
    }
    if (!Array.isArray(priorities) && !ArrayBuffer.isView(priorities)) {
      throw new HeuristicError(`${call} returned ${describe(priorities)}, not an array of numbers`);
    }
    if (priorities.length !== capacities.length) {
      throw new HeuristicError(`${call} returned ${priorities.length} priorities for ${capacities.length} bins`);
    }
    for (let index = 0; index < priorities.length; index += 1) {
      const value = priorities[index];
      if (typeof value !== 'number' || Number.isNaN(value)) {
        throw new HeuristicError(`${call} returned ${Number.isNaN(value) ? 'NaN' : describe(value)} for bin ${index}`);
      }
    }
    return argmax(priorities);
  };
}

async function packAll({ candidate, instances, capacity }) {
  let module;
  try {
    module = await import(pathToFileURL(candidate).href);
  } catch (error) {
    throw new HeuristicError(
      `the program could not be loaded: ${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`,
    );
  }
  if (typeof module.priority !== 'function') {
    throw new HeuristicError(
      'the program must export a function priority(item, bins), e.g. `export function priority(item, bins) { … }`',
    );
  }
  return instances.map((items, instanceIndex) => packOnline(items, chooser(module.priority, instanceIndex), capacity));
}

process.once('message', async (request) => {
  let reply;
  try {
    reply = { assignments: await packAll(request) };
  } catch (error) {
    reply = {
      error: error instanceof HeuristicError ? error.message : `the heuristic failed: ${error?.stack ?? String(error)}`,
    };
  }
  process.send(reply, () => process.disconnect());
});
