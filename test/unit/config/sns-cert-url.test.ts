import { describe, expect, it } from '@jest/globals';
import { SNS_CERT_URL } from '../../../src/config/app-config.js';
import { loadConfig } from '../../../src/config/config.loader.js';

describe('the trusted SNS certificate URL', () => {
  it('accepts only Amazon SNS hosts over https, whatever the environment says', () => {
    expect(SNS_CERT_URL.test('https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem')).toBe(true);
    expect(SNS_CERT_URL.test('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem')).toBe(true);
    for (const bad of [
      'http://sns.us-west-2.amazonaws.com/x.pem',
      'https://sns.us-west-2.amazonaws.com.evil.example/x.pem',
      'https://evil.example/sns.us-west-2.amazonaws.com/x.pem',
      'http://127.0.0.1:8080/x.pem',
      'https://s3.amazonaws.com/x.pem',
    ]) {
      expect(SNS_CERT_URL.test(bad)).toBe(false);
    }
    const config = loadConfig({
      NODE_ENV: 'test',
      VAR_DIR: '/tmp/paperboy-sns-unit',
      ADMIN_TOKEN: 'x'.repeat(32),
      SECRET_KEY: 'y'.repeat(32),
      SNS_CERT_URL: 'http://127.0.0.1/',
    } as NodeJS.ProcessEnv);
    expect(config.integrations.snsCertUrl).toBe(SNS_CERT_URL);
  });

  it('refuses WEBHOOK_URL without WEBHOOK_SECRET, naming both', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'test',
        VAR_DIR: '/tmp/paperboy-sns-unit',
        ADMIN_TOKEN: 'x'.repeat(32),
        SECRET_KEY: 'y'.repeat(32),
        WEBHOOK_URL: 'https://hooks.example/paperboy',
      } as NodeJS.ProcessEnv),
    ).toThrow(/WEBHOOK_URL: needs WEBHOOK_SECRET/);
  });
});
