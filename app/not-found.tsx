import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">It does not exist, or your account does not have access to it.</p>
      <Link href="/orgs" className="mt-6 inline-block text-sm font-medium text-brand-700 underline">
        Back to your organizations
      </Link>
    </main>
  );
}
