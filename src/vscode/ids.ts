// Every id the manifest and the code share, and who may set each setting, in one place.
import { SETTINGS } from '../core/config';

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
  reviewStaged: 'hearth.reviewStaged',
  reviewUncommitted: 'hearth.reviewUncommitted',
  reviewFile: 'hearth.reviewFile',
  nextFinding: 'hearth.review.next',
  previousFinding: 'hearth.review.previous',
  applyFix: 'hearth.review.applyFix',
  dismissFinding: 'hearth.review.dismiss',
  showSkipped: 'hearth.review.showSkipped',
  clearFindings: 'hearth.review.clear',
  generateTests: 'hearth.generateTests',
  generateTestsForFile: 'hearth.generateTestsForFile',
} as const;

/** The review's one comment controller, and its threads' context values (for the thread menus). */
export const REVIEW_CONTROLLER_ID = 'hearth-review';
export const THREAD_WITH_FIX = 'hearth-finding-fix';
export const THREAD_WITHOUT_FIX = 'hearth-finding';

/** Context key set while inline completions are paused (for when-clauses). */
export const CONTEXT_PAUSED = 'hearth.completionsPaused';

export const STATUS_ITEM_ID = 'hearth.status';
export const OUTPUT_CHANNEL = 'Hearth';
export const CONFIG_SECTION = 'hearth';

/**
 * Settings only the user (or the remote machine) may set: where code is sent and the credentials
 * sent with it. A workspace's .vscode/settings.json must never redirect a user's code and headers.
 */
export const MACHINE_SETTINGS: readonly string[] = [SETTINGS.serverUrl.key, SETTINGS.requestHeaders.key];

/**
 * Settings a trusted workspace may set but an untrusted one may not (the manifest's
 * `restrictedConfigurations`): each names a model or sizes what the user's server spends.
 */
export const RESTRICTED_SETTINGS: readonly string[] = [
  SETTINGS.model.key,
  SETTINGS.completionModel.key,
  SETTINGS.reviewModel.key,
  SETTINGS.reviewThink.key,
  SETTINGS.testsModel.key,
  SETTINGS.testsRunTimeoutSeconds.key,
  SETTINGS.contextSize.key,
  SETTINGS.keepAlive.key,
  SETTINGS.parallelRequests.key,
  SETTINGS.requestTimeoutSeconds.key,
  SETTINGS.completionContextTokens.key,
  SETTINGS.completionWarmup.key,
  SETTINGS.completionEarlyGhostText.key,
];

/** Settings that only change how Hearth behaves in this editor: any workspace may set them. */
export const RESOURCE_SETTINGS: readonly string[] = [SETTINGS.completionEnabled.key, SETTINGS.completionLanguages.key];

export type SettingScope = 'machine' | 'machine-overridable' | 'resource';

/**
 * The manifest scope of a setting: who may set it. A new setting has to be placed in one of the
 * lists above, so nobody adds a workspace-settable host or model by forgetting to think about it.
 */
export function settingScope(key: string): SettingScope {
  if (MACHINE_SETTINGS.includes(key)) return 'machine';
  if (RESOURCE_SETTINGS.includes(key)) return 'resource';
  if (RESTRICTED_SETTINGS.includes(key)) return 'machine-overridable';
  throw new Error(`${key}: add it to MACHINE_SETTINGS, RESTRICTED_SETTINGS or RESOURCE_SETTINGS in src/vscode/ids.ts`);
}
