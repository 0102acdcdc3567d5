"use client";

import { QueryErrorResetBoundary } from "@tanstack/react-query";
import { Component, type ReactNode } from "react";
import { listErrorMessageOf, TableError } from "./table-parts";

type BoundaryProps = { onReset: () => void; children: ReactNode };
type BoundaryState = { failure: { error: unknown } | null };

class Boundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { failure: null };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { failure: { error } };
  }

  private readonly retry = () => {
    this.props.onReset();
    this.setState({ failure: null });
  };

  override render() {
    if (!this.state.failure) return this.props.children;
    return <QueryErrorFallback error={this.state.failure.error} onRetry={this.retry} />;
  }
}

export function QueryErrorFallback({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <div className="rounded-lg border border-red-200 bg-white px-6 py-10">
      <TableError message={listErrorMessageOf(error)} onRetry={onRetry} />
    </div>
  );
}

/**
 * The error state of a suspense list (useSuspenseQuery / useSuspenseInfiniteQuery): the failure in words and a
 * "Try again" that refetches, instead of the whole page's error screen.
 */
export function QueryErrorBoundary({ children }: { children: ReactNode }) {
  return (
    <QueryErrorResetBoundary>{({ reset }) => <Boundary onReset={reset}>{children}</Boundary>}</QueryErrorResetBoundary>
  );
}
