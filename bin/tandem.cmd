@echo off
rem tandem: the command line of the Tandem failover orchestrator (Windows). Runs from the built
rem tree (runtime\target\classes + runtime\target\lib) and builds it first when it is missing.
setlocal
set "TANDEM_HOME=%~dp0.."
set "CLASSES=%TANDEM_HOME%\runtime\target\classes"
set "LIB=%TANDEM_HOME%\runtime\target\lib"
if not exist "%CLASSES%\tandem" goto build
if not exist "%LIB%" goto build
goto run
:build
echo tandem: building the runtime first (mvn package: compiles the sources into runtime\target\classes and copies the libraries into runtime\target\lib; once, usually one to two minutes, longer when Maven downloads the libraries the first time)... 1>&2
pushd "%TANDEM_HOME%" && call mvn -q -B -Dstyle.color=never -DskipTests package 1>&2 & popd
:run
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java"
rem a running node commits its heap as used; the short-lived verbs (check, simulate) compile the rules
rem and take that garbage in a young generation of 32 MB (see bin/tandem)
set "HEAP=-Xms64m -Xmn32m"
if /i "%~1"=="run" set "HEAP=-Xms16m -Xmn6m"
"%JAVA%" %HEAP% -Xmx128m -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=20 -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=32m -Dio.netty.allocator.type=unpooled -XX:+ExitOnOutOfMemoryError %TANDEM_JAVA_OPTS% -Dtandem.home="%TANDEM_HOME%" -Dlogback.configurationFile="%TANDEM_HOME%\conf\logback.xml" -cp "%CLASSES%;%LIB%\*" tandem.cli.Main %*
exit /b %ERRORLEVEL%
