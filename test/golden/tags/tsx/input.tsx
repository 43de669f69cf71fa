import React, { useEffect, useState } from 'react';
import type { FC, ReactNode } from 'react';
import { Button } from './components/Button';
import * as styles from './TodoList.module.css';

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

interface TodoItemProps {
  todo: Todo;
  onToggle(id: number): void;
  children?: ReactNode;
}

type Filter = 'all' | 'open' | 'done';

const API_URL = '/api/todos';

export function TodoItem({ todo, onToggle }: TodoItemProps): JSX.Element {
  return (
    <li className={todo.done ? styles.done : styles.open}>
      <input type="checkbox" checked={todo.done} onChange={() => onToggle(todo.id)} />
      <span>{todo.title}</span>
    </li>
  );
}

async function fetchTodos(filter: Filter): Promise<Todo[]> {
  const res = await fetch(`${API_URL}?filter=${filter}`);
  return (await res.json()) as Todo[];
}

export const TodoList: FC<{ filter: Filter }> = ({ filter }) => {
  const [todos, setTodos] = useState<Todo[]>([]);

  useEffect(() => {
    fetchTodos(filter).then(setTodos);
  }, [filter]);

  const toggle = (id: number) =>
    setTodos((prev) => prev.map((t) => (t.id === id ? { ...t, done: !t.done } : t)));

  return (
    <ul>
      {todos.map((t) => (
        <TodoItem key={t.id} todo={t} onToggle={toggle} />
      ))}
      <Button.Primary onClick={() => setTodos([])}>Clear</Button.Primary>
    </ul>
  );
};

export default class ErrorBoundary extends React.Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  render() {
    return this.state.failed ? <p>Something went wrong.</p> : this.props.children;
  }
}
