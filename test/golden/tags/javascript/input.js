'use strict';

const fs = require('fs');
const { join, dirname: parentDir } = require('node:path');
const EventEmitter = require('events');
import chalk from 'chalk';

const MAX_RETRIES = 3;
let activeJobs = 0;
var legacyFlag = false;

const DEFAULTS = {
  concurrency: 2,
  retries: MAX_RETRIES,
};

class Job extends EventEmitter {
  #attempts = 0;
  name = 'job';

  constructor(name, task) {
    super();
    this.name = name;
    this.task = task;
  }

  async run() {
    activeJobs++;
    try {
      return await this.task();
    } catch (err) {
      this.#attempts += 1;
      this.emit('error', err);
      return this.#retry();
    } finally {
      activeJobs--;
    }
  }

  #retry() {
    return this.#attempts < MAX_RETRIES ? this.run() : null;
  }
}

function* idGenerator(prefix) {
  let i = 0;
  while (true) yield `${prefix}-${i++}`;
}

const createQueue = function (options) {
  const settings = Object.assign({}, DEFAULTS, options);
  return new Queue(settings);
};

function Queue(settings) {
  this.settings = settings;
  this.jobs = [];
}

Queue.prototype.add = function (name, task) {
  const job = new Job(name, task);
  this.jobs.push(job);
  return job;
};

const StatusBadge = ({ status }) => <span className={chalk.green(status)}>{status}</span>;

module.exports = { Job, createQueue, idGenerator, StatusBadge };
module.exports.readConfig = function readConfig(file) {
  return JSON.parse(fs.readFileSync(join(parentDir(file), 'config.json'), 'utf8'));
};
