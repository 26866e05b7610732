export default function Home() {
  return <main>PingPilot</main>;
}
