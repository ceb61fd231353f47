export { incidentKey, raiseIncident, transitionIncident, type IncidentSignal } from './incidents.js';
export type { IncidentRow } from './queries.js';
