@rem `npm start` runs "exec node bin/start.js" so that on POSIX shells node replaces the shell and
@rem receives the signals npm forwards. cmd.exe has no exec and looks up commands in the current
@rem folder first: this runs the rest of the line as the command.
@%*
