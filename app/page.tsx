import { redirect } from "next/navigation";
import { auth } from "@/server/auth";

export default async function Home() {
  redirect((await auth()) ? "/orgs" : "/sign-in");
}
