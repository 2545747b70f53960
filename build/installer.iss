; Inno Setup 6 script: a per-machine installer for county IT (see docs/windows.md).
;   iscc /DAppVersion=0.1.0 build\installer.iss
; Installs dist\csec-desktop\ (built by build\csec-desktop.spec) into Program Files.
; It never touches vaults: they live in each user's %LOCALAPPDATA%\CSEC Desktop\.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6B0C2F7E-4C8E-4B8B-9E3A-0C5D2A1F7C11}
AppName=CSEC Case Desktop
AppVersion={#AppVersion}
AppPublisher=California county CSEC programs
DefaultDirName={autopf}\CSEC Case Desktop
DefaultGroupName=CSEC Case Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist\installer
OutputBaseFilename=csec-desktop-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName=CSEC Case Desktop {#AppVersion}
CloseApplications=yes

[Files]
Source: "..\dist\csec-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{commonprograms}\CSEC Case Desktop"; Filename: "{app}\csec-desktop.exe"
Name: "{commondesktop}\CSEC Case Desktop"; Filename: "{app}\csec-desktop.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "A desktop shortcut for every user"; Flags: unchecked

[Run]
Filename: "{app}\csec-desktop.exe"; Description: "Start CSEC Case Desktop"; Flags: nowait postinstall skipifsilent
