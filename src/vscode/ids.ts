// Every id the manifest and the code share, in one place.
export const COMMANDS = {
  selectModel: 'hearth.selectModel',
  pullModel: 'hearth.pullModel',
  showLog: 'hearth.showLog',
  doctor: 'hearth.doctor',
  statusMenu: 'hearth.statusMenu',
  togglePause: 'hearth.toggleCompletions',
  triggerCompletion: 'hearth.triggerCompletion',
  reindex: 'hearth.reindex',
  cancelIndexing: 'hearth.cancelIndexing',
} as const;

/** Context key set while inline completions are paused (for when-clauses). */
export const CONTEXT_PAUSED = 'hearth.completionsPaused';

export const STATUS_ITEM_ID = 'hearth.status';
export const OUTPUT_CHANNEL = 'Hearth';
export const CONFIG_SECTION = 'hearth';
