export { ManagerError, readEvalCriteria, runManager, type ManagerOptions, type ManagerResult } from './manager.js';
export { MANAGER_TEMPLATE_FILE, MANAGER_TEMPLATE_VARIABLES, loadManagerTemplate } from './template.js';
