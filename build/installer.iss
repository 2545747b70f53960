; Inno Setup 6 script: a per-machine installer for county IT (see docs/windows.md).
;
;   iscc /DAppVersion=0.1.0 /DCompany="County of Fresno" build\installer.iss
;   iscc /DAppVersion=0.1.0 /DCompany="County of Fresno" "/Ssigntool=signtool.exe sign /fd sha256 /tr http://timestamp.example /td sha256 /f county.pfx /p $qPASSWORD$q $f" /DSign build\installer.iss
;
; Installs dist\csec-desktop\ (csec-desktop.exe, csec.exe, _internal\, the licence notices; built by
; build\csec-desktop.spec, whose executables are signed before this runs) into Program Files.
; With /DSign, Inno Setup signs the uninstaller as it is made and then the installer itself (the
; order Windows needs: what is inside first, the outer file last). It never touches vaults: they
; live in each user's %LOCALAPPDATA%\CSEC Desktop\, and the machine policy in %ProgramData%.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef Company
  #define Company "County (set /DCompany when building)"
#endif

[Setup]
AppId={{6B0C2F7E-4C8E-4B8B-9E3A-0C5D2A1F7C11}
AppName=CSEC Case Desktop
AppVersion={#AppVersion}
AppVerName=CSEC Case Desktop {#AppVersion}
AppPublisher={#Company}
VersionInfoVersion={#AppVersion}
VersionInfoCompany={#Company}
VersionInfoProductName=CSEC Case Desktop
VersionInfoDescription=CSEC Case Desktop installer
DefaultDirName={autopf}\CSEC Case Desktop
DefaultGroupName=CSEC Case Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist\installer
OutputBaseFilename=csec-desktop-{#AppVersion}-setup
SetupIconFile=..\assets\icon\csec-desktop.ico
UninstallDisplayIcon={app}\csec-desktop.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName=CSEC Case Desktop {#AppVersion}
CloseApplications=yes
RestartApplications=no
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[InstallDelete]
; An upgrade replaces the program folder's contents: files an older version left (a library that is
; no longer shipped) must not linger beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"
Type: filesandordirs; Name: "{app}\licenses"

[Files]
Source: "..\dist\csec-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{commonprograms}\CSEC Case Desktop"; Filename: "{app}\csec-desktop.exe"
Name: "{commondesktop}\CSEC Case Desktop"; Filename: "{app}\csec-desktop.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "A desktop shortcut for every user"; Flags: unchecked
Name: "addtopath"; Description: "Add csec (the administration command) to the system PATH"; Flags: unchecked

[Registry]
; csec on the PATH (task addtopath). Uninstalling leaves the entry (harmless once the folder is gone).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; \
    ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\csec-desktop.exe"; Description: "Start CSEC Case Desktop"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Current: string;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Current) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Current) + ';') = 0;
end;
