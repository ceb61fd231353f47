export { editRatio } from './edit-ratio.js';
export { recordDecision, type Decision, type DecisionInput } from './record.js';
