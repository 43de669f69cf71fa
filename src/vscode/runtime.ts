// The model side of the running extension: the current configuration, its ModelService and the
// ConnectionMonitor of the features the editor runs (each one's own model). A configuration change
// disposes them and builds new ones, rather than patching.
import * as vscode from 'vscode';
import { FEATURE_TITLES, modelsInUse, type Feature, type HearthConfig } from '../core/config';
import { ConnectionMonitor, type ConnectionState, type FeatureState } from '../core/connection';
import type { Logger } from '../core/log';
import { ModelService } from '../core/model/service';
import { OllamaBackend } from '../node/ollama/ollamaBackend';
import { COMMANDS } from './ids';
import { readHearthConfig } from './settings';

export class ModelRuntime implements vscode.Disposable {
  private _service!: ModelService;
  private _monitor!: ConnectionMonitor;
  private _config!: HearthConfig;
  private readonly perBuild: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<ConnectionState>();
  private readonly activityEmitter = new vscode.EventEmitter<number>();
  private readonly rebuiltEmitter = new vscode.EventEmitter<void>();
  private inFlight = 0;

  /** Fires with the new state of a model a feature uses. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires with the number of model requests in flight. */
  readonly onDidChangeActivity = this.activityEmitter.event;
  readonly onDidRebuild = this.rebuiltEmitter.event;

  /** `features`: the features this editor runs; the monitor watches the model of each. */
  constructor(private readonly logger: Logger, readonly features: readonly Feature[]) {
    this.build();
  }

  get service(): ModelService { return this._service; }
  get monitor(): ConnectionMonitor { return this._monitor; }
  get config(): HearthConfig { return this._config; }
  get busy(): boolean { return this.inFlight > 0; }

  /** Whether a feature's own model can be asked now; a feature depends on nothing else. */
  stateFor(feature: Feature): ConnectionState { return this._monitor.stateFor(feature); }
  /** Each feature the editor runs, with its model's state, for the status bar. */
  featureStates(): FeatureState[] { return this._monitor.featureStates(); }

  /** Rebuilds when a hearth.* setting changed. */
  onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (e.affectsConfiguration('hearth')) this.reload('Settings changed: reconnecting.');
  }

  /**
   * Reads the settings again and rebuilds; for changes VS Code reports as no configuration event,
   * such as the workspace becoming trusted (its own settings apply from then on).
   */
  reload(reason: string): void {
    this.logger.info(reason);
    this.build();
  }

  private build(): void {
    this.disposeBuild();
    const { config, warnings } = readHearthConfig();
    for (const w of warnings) this.logger.warn(`${w.key}: ${w.message}`);
    this._config = config;
    const backend = new OllamaBackend(config.serverUrl, { headers: config.requestHeaders });
    this._service = new ModelService(backend, config, this.logger);
    this._monitor = ConnectionMonitor.forFeatures(this._service, this.features);
    this.inFlight = 0;
    let warnedTruncation = false;
    const monitor = this._monitor;
    this.perBuild.push(
      monitor.onChange((s) => {
        this.logState(s);
        this.stateEmitter.fire(s);
      }),
      this._service.onActivity({
        onRequestStart: () => this.activityEmitter.fire(++this.inFlight),
        onRequestEnd: (_id, outcome) => {
          this.inFlight = Math.max(0, this.inFlight - 1);
          this.activityEmitter.fire(this.inFlight);
          if (outcome.error) monitor.report(outcome.error);
          if (outcome.metrics?.truncated && !warnedTruncation) {
            warnedTruncation = true;
            const m = outcome.metrics;
            void vscode.window.showWarningMessage(`Hearth: Ollama cut a prompt of ~${m.clientPromptTokens} tokens to ${m.serverPromptTokens}: it runs ${m.model} with a smaller window than the ${m.numCtx} asked (often too little memory). Lower hearth.contextSize to what \`ollama ps\` shows.`, 'Show Log')
              .then((pick) => pick && vscode.commands.executeCommand(COMMANDS.showLog));
          }
        },
      }),
      { dispose: () => monitor.dispose() },
    );
    const models = [...modelsInUse(config, this.features)].map(([model, fs]) => `${fs.map((f) => FEATURE_TITLES[f].toLowerCase()).join(', ')}: ${model} (${config.features[fs[0]].modelSetting})`);
    this.logger.info(`Server ${config.serverUrl}, ${models.join('; ')}, context ${config.contextSize}, keep_alive ${config.keepAlive}`);
    this.rebuiltEmitter.fire();
    void monitor.check();
  }

  private logState(s: ConnectionState): void {
    switch (s.kind) {
      case 'connected': this.logger.info(`Connected: Ollama ${s.version}, ${s.model}, num_ctx ${s.numCtx}.`); break;
      case 'modelMissing':
      case 'unreachable':
      case 'error': this.logger.warn(s.error.userMessage); break;
      default: break;
    }
  }

  private disposeBuild(): void {
    for (const d of this.perBuild.splice(0)) d.dispose();
  }

  dispose(): void {
    this.disposeBuild();
    this.stateEmitter.dispose();
    this.activityEmitter.dispose();
    this.rebuiltEmitter.dispose();
  }
}
