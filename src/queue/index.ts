export { claimNextCase, levelsFor, type CaseCard } from './claim.js';
