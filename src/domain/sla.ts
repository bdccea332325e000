// The answer promise. Counted in wall-clock hours for now; business hours and holidays come with the
// SLA issue and replace this one function.
export function firstResponseDueAt(receivedAt: Date, hours: number): Date {
  return new Date(receivedAt.getTime() + hours * 3_600_000);
}
