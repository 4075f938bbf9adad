// The root layout (server): the dark theme and the client providers, given the gateway's
// graphql-ws address read from the environment at run time.
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { AppProviders } from "@/components/app-providers";
import { gatewayWebSocketUrl } from "@/lib/server/gateway-address";
import "./globals.css";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "MS5.0 Floor", description: "Line status, OEE, downtime and jobs" };
export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#0d1117" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AppProviders webSocketUrl={gatewayWebSocketUrl()}>{children}</AppProviders>
      </body>
    </html>
  );
}
