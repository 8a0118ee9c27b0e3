// electron-store is conf with Electron's userData as its folder; the stand-in uses FAKE_USER_DATA.
import Conf from 'conf';

export default class ElectronStore extends Conf {
  constructor(options = {}) {
    const { name = 'config', ...rest } = options;
    super({ ...rest, configName: name, projectName: 'sigmatiq-test', cwd: process.env.FAKE_USER_DATA });
  }
}
