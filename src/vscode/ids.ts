// Every id the manifest and the code share, in one place.
export const COMMANDS = {
  selectModel: 'hearth.selectModel',
  pullModel: 'hearth.pullModel',
  showLog: 'hearth.showLog',
  doctor: 'hearth.doctor',
} as const;

export const STATUS_ITEM_ID = 'hearth.status';
export const OUTPUT_CHANNEL = 'Hearth';
export const CONFIG_SECTION = 'hearth';
