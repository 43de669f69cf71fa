// Writes package.json's `contributes` from the code's declarations (settings table, command ids),
// so the manifest cannot drift from the code: `npm run manifest`. A unit test fails when someone
// edits one without running this.
import { readFileSync, writeFileSync } from 'node:fs';
import { SETTINGS } from '../src/core/config';
import { COMMANDS, REVIEW_CONTROLLER_ID, THREAD_WITH_FIX, settingScope } from '../src/vscode/ids';

const TITLES: Record<keyof typeof COMMANDS, string> = {
  selectModel: 'Select Model',
  pullModel: 'Pull Model',
  showLog: 'Show Log',
  doctor: 'Doctor',
  statusMenu: 'Show Status Menu',
  togglePause: 'Pause or Resume Inline Completions',
  triggerCompletion: 'Trigger Inline Completion',
  reindex: 'Rebuild Repository Index',
  cancelIndexing: 'Cancel Indexing',
  reviewStaged: 'Review Staged Changes',
  reviewUncommitted: 'Review All Uncommitted Changes',
  reviewFile: 'Review This File\'s Staged Changes',
  nextFinding: 'Next Review Finding',
  previousFinding: 'Previous Review Finding',
  applyFix: 'Apply Fix',
  dismissFinding: 'Dismiss Finding',
  showSkipped: 'Show What the Review Skipped',
  clearFindings: 'Clear Review Findings',
  generateTests: 'Generate Tests',
  generateTestsForFile: 'Generate Tests for This File',
};

/** Commands shown as buttons (a comment thread's title bar) carry an icon. */
const ICONS: Partial<Record<keyof typeof COMMANDS, string>> = {
  applyFix: '$(check)',
  dismissFinding: '$(close)',
  nextFinding: '$(arrow-down)',
  previousFinding: '$(arrow-up)',
};

/** The Source Control view's staged group (git's `index` resource group). */
const STAGED_GROUP = 'scmProvider == git && scmResourceGroup == index';
const REVIEW_THREAD = `commentController == ${REVIEW_CONTROLLER_ID}`;
const TESTABLE_FILE = 'resourceScheme == file && resourceExtname =~ /^\\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go)$/';

export function contributes(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const s of Object.values(SETTINGS) as Array<{ key: string; type: unknown; default: unknown; markdownDescription: string; minimum?: number; maximum?: number }>) {
    const p: Record<string, unknown> = { type: s.type, default: s.default, markdownDescription: s.markdownDescription };
    if (s.key === SETTINGS.contextSize.key) {
      delete p.type;
      p.anyOf = [{ type: 'string', enum: ['auto'] }, { type: 'integer', minimum: s.minimum }];
    } else {
      if (s.minimum !== undefined) p.minimum = s.minimum;
      if (s.maximum !== undefined) p.maximum = s.maximum;
    }
    if (s.key === SETTINGS.requestHeaders.key) p.additionalProperties = { type: 'string' };
    if (s.key === SETTINGS.completionLanguages.key) p.additionalProperties = { type: 'boolean' };
    p.scope = settingScope(s.key);
    properties[s.key] = p;
  }
  return {
    commands: (Object.keys(COMMANDS) as Array<keyof typeof COMMANDS>).map((k) => ({ command: COMMANDS[k], title: TITLES[k], category: 'Hearth', ...(ICONS[k] ? { icon: ICONS[k] } : {}) })),
    keybindings: [
      { command: COMMANDS.triggerCompletion, key: 'alt+\\', mac: 'alt+\\', when: 'editorTextFocus && !editorReadonly' },
    ],
    menus: {
      commandPalette: [
        { command: COMMANDS.statusMenu, when: 'false' },
        // These act on the comment thread they are clicked on.
        { command: COMMANDS.applyFix, when: 'false' },
        { command: COMMANDS.dismissFinding, when: 'false' },
      ],
      // Test generation for the languages whose runners Hearth drives (src/node/testgen/detect.ts).
      'editor/context': [
        { command: COMMANDS.generateTests, when: TESTABLE_FILE, group: 'hearth@1' },
      ],
      'explorer/context': [
        { command: COMMANDS.generateTestsForFile, when: TESTABLE_FILE, group: 'hearth@1' },
      ],
      'scm/resourceGroup/context': [
        { command: COMMANDS.reviewStaged, when: STAGED_GROUP, group: 'hearth@1' },
      ],
      'scm/resourceState/context': [
        { command: COMMANDS.reviewFile, when: STAGED_GROUP, group: 'hearth@1' },
      ],
      // Stable API: a thread's title bar (the additional-actions menu is a proposed API).
      'comments/commentThread/title': [
        { command: COMMANDS.applyFix, when: `${REVIEW_THREAD} && commentThread == ${THREAD_WITH_FIX}`, group: 'inline@1' },
        { command: COMMANDS.previousFinding, when: REVIEW_THREAD, group: 'inline@2' },
        { command: COMMANDS.nextFinding, when: REVIEW_THREAD, group: 'inline@3' },
        { command: COMMANDS.dismissFinding, when: REVIEW_THREAD, group: 'inline@4' },
      ],
    },
    configuration: { title: 'Hearth', properties },
  };
}

if (process.argv[1]?.endsWith('manifest.ts')) {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  pkg.contributes = contributes();
  writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  console.log('package.json contributes updated');
}
