import { redirect } from "next/navigation";

export default async function OrgHome({ params }: PageProps<"/[orgSlug]">) {
  const { orgSlug } = await params;
  redirect(`/${orgSlug}/configure`);
}
