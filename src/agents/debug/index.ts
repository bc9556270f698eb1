export {
  createLlmDebugAgent,
  parseRepairAnswer,
  type DebugAgent,
  type LlmDebugAgentOptions,
  type Repair,
  type RepairRequest,
} from './debug-agent.js';
export {
  errorTail,
  isRepairable,
  repairsToJson,
  runDebugAttempts,
  type DebugAttemptsOptions,
  type DebugResult,
  type RepairRecord,
} from './repair-loop.js';
export { DEBUG_TEMPLATE_FILE, DEBUG_TEMPLATE_VARIABLES, loadDebugTemplate } from './template.js';
