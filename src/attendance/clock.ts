import { Injectable } from '@nestjs/common';

/** "Now" for attendance rules; tests set it to a fixed instant. */
@Injectable()
export class Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime()) : new Date();
  }

  /** Freezes the clock at an instant (null: back to the real time). */
  set(at: Date | string | null): void {
    this.fixed = at === null ? null : new Date(at);
  }
}
