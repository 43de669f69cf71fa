// scheduler.cpp - cooperative task scheduler.
#include <functional>
#include <memory>
#include <vector>
#include "scheduler.hpp"

#define SCHED_MAX_TASKS 128
#define SCHED_LOG(msg) log_line(__FILE__, msg)

using namespace std;
using std::unique_ptr;

namespace sched {

constexpr int kDefaultPriority = 5;

enum class State { Ready, Running, Done };

using TaskFn = std::function<void()>;

struct Task {
    int id;
    State state = State::Ready;
    TaskFn fn;
};

template <typename Clock>
class Scheduler : public Component, private NonCopyable {
public:
    explicit Scheduler(Clock &clock) : clock_(clock) {}
    ~Scheduler() override;

    int add(TaskFn fn, int priority = kDefaultPriority);
    void run_once();

    static Scheduler *instance() { return instance_; }

private:
    Clock &clock_;
    std::vector<unique_ptr<Task>> tasks_;
    static Scheduler *instance_;
};

template <typename Clock>
int Scheduler<Clock>::add(TaskFn fn, int priority) {
    auto task = std::make_unique<Task>();
    task->id = static_cast<int>(tasks_.size());
    task->fn = std::move(fn);
    tasks_.push_back(std::move(task));
    SCHED_LOG("task added");
    return tasks_.back()->id;
}

template <typename Clock>
void Scheduler<Clock>::run_once() {
    for (auto &t : tasks_) {
        if (t->state == State::Ready) {
            t->state = State::Running;
            t->fn();
            t->state = State::Done;
        }
    }
    clock_.tick();
}

}  // namespace sched

int main() {
    SystemClock clock;
    sched::Scheduler<SystemClock> s(clock);
    s.add([] { puts("hello"); });
    s.run_once();
    return 0;
}
