//! A bounded job queue with retry policies.
use std::collections::{HashMap, VecDeque};
use std::fmt::{self, Display};
use std::sync::Arc;
use crate::config::Settings as Config;
use super::metrics::*;

pub const MAX_JOBS: usize = 1024;
static GLOBAL_QUEUE_NAME: &str = "default";

macro_rules! log_event {
    ($($arg:tt)*) => { eprintln!($($arg)*) };
}

pub type JobId = u64;

#[derive(Debug, Clone, PartialEq)]
pub enum Priority {
    Low,
    High { boost: u8 },
}

pub trait Policy: Send + Sync {
    fn should_retry(&self, attempts: u32) -> bool;
    fn name(&self) -> &str {
        "policy"
    }
}

#[derive(Debug)]
pub struct Job<T> {
    pub id: JobId,
    payload: T,
    priority: Priority,
}

pub struct Queue<T: Clone> {
    jobs: VecDeque<Job<T>>,
    policy: Arc<dyn Policy>,
    seen: HashMap<JobId, usize>,
}

impl<T: Clone> Queue<T> {
    pub fn new(policy: Arc<dyn Policy>, config: &Config) -> Self {
        log_event!("queue {}", config.name);
        Queue { jobs: VecDeque::with_capacity(MAX_JOBS), policy, seen: HashMap::new() }
    }

    pub fn push(&mut self, id: JobId, payload: T) -> Result<(), QueueError>
    where
        T: Display,
    {
        if self.jobs.len() >= MAX_JOBS {
            return Err(QueueError::Full);
        }
        self.jobs.push_back(Job { id, payload, priority: Priority::Low });
        record_push(id);
        Ok(())
    }
}

impl Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self)
    }
}

mod retry {
    pub struct Never;
    impl super::Policy for Never {
        fn should_retry(&self, _attempts: u32) -> bool { false }
    }
}
