import Link from "next/link";
import { signOutAction } from "../(auth)/actions";

export function AppHeader({ email, children }: { email: string | null | undefined; children?: React.ReactNode }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <div className="flex items-center gap-3">
          <Link href="/orgs" className="font-semibold tracking-tight text-brand-900">
            Sentinel Bridge
          </Link>
          {children}
        </div>
        <div className="flex items-center gap-3 text-sm">
          <span className="hidden text-slate-600 sm:inline" data-testid="signed-in-as">
            {email}
          </span>
          <form action={signOutAction}>
            <button type="submit" className="rounded-md px-2 py-1 font-medium text-slate-700 hover:bg-slate-100">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
