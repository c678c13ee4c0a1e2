/**
 * What Alipay's official declarations (@mini-types/my 3.0.14) lack and the mini programs
 * of an Alipay+ wallet use. Declarations merge into the official `my` namespace.
 */
declare namespace my {
  /**
   * my.tradePay with `paymentUrl`: the Alipay+ way to pay (the wallet's cashier page,
   * returned by the payment API as `normalUrl`). The official declaration only knows
   * `tradeNO` and `orderStr`.
   * @see https://miniprogram.alipay.com/docs/miniprogram/mpdev/api_openapi_tradepay
   */
  export function tradePay(object: {
    /** The cashier page the wallet's payment API returned (`normalUrl`). */
    paymentUrl: string;
    success?(data: { resultCode: string }): void;
    fail?(err: { error?: number; errorMessage?: string }): void;
    complete?(arg: { resultCode: string } | { error?: number; errorMessage?: string }): void;
  }): Promise<{ resultCode: string }>;

  /**
   * Custom analytics, documented by Alipay but missing from the declarations.
   * @see https://opendocs.alipay.com/mini/api/report
   */
  export function reportAnalytics(eventName: string, data?: Record<string, unknown>): void;

  interface RequestTask {
    /** task.abort() as Alipay documents it, without arguments (the declaration requires some). */
    abort(): Promise<{ success: true }>;
  }
}
